"""A missing system tool fails the test that needs it, with the apt package to install."""

from __future__ import annotations

import pytest

from tests.formats.tools import require, require_soffice, require_tesseract


def test_missing_tool_fails_with_the_package_name():
    with pytest.raises(pytest.fail.Exception, match="nianbao-no-such-tool.*apt 包 some-pkg"):
        require("nianbao-no-such-tool", "some-pkg")


def test_ci_tools_are_installed():
    require_soffice()
    require_tesseract()
    require("antiword", "antiword")
