"""One typed settings object: defaults < config/settings.yaml < NIANBAO_* environment."""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from .errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(os.environ.get("NIANBAO_CONFIG_DIR", ROOT / "config"))


class _YamlSource(PydanticBaseSettingsSource):
    """Reads config/settings.yaml (missing file = no values)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = Path(os.environ.get("NIANBAO_SETTINGS_FILE", CONFIG_DIR / "settings.yaml"))
        if not path.exists():
            return {}
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"配置文件 {path} 无法解析 / cannot parse settings: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"配置文件 {path} 应为键值表 / settings must be a mapping")
        # Empty strings in YAML mean "not set": let the default apply.
        return {k: v for k, v in data.items() if v not in ("", None)}


class Settings(BaseSettings):
    es_url: str = ""
    es_index_prefix: str = Field(default="nianbao", alias="NIANBAO_ES_PREFIX")
    es_version: str = "8.19.21"
    es_heap: str = "512m"
    es_user: str = ""
    es_password: str = ""
    # Where the managed servers live (install + data); unset: see es_home / pg_home below.
    es_home_dir: Path | None = Field(default=None, alias="NIANBAO_ES_HOME")
    pg_home_dir: Path | None = Field(default=None, alias="NIANBAO_PG_HOME")
    # The Elasticsearch zip's cache and the Java that runs it: the tools' own variables.
    maven_repo: Path = Field(default=Path.home() / ".m2" / "repository", alias="MAVEN_REPO")
    es_java_home: str = Field(default="", alias="ES_JAVA_HOME")
    java_home: str = Field(default="", alias="JAVA_HOME")
    es_warmup_seconds: float = 30.0  # indexer.warmup after `es start` / `serve` (0 = off)

    data_dir: Path = Path("var")
    db_url: str = ""
    config_dir: Path = CONFIG_DIR
    registry_file: str = "publishers.yaml"

    user_agent: str = "NianbaoWatch/0.1"
    crawl_delay_seconds: float = 1.0
    crawl_host_concurrency: int = 2
    # Requests in flight over all hosts: what bounds a season's crawl (per-host politeness does
    # not). Measured on 32 hosts answering in 1 s: 16 → 201 s, 64 → 123 s (bench_season).
    crawl_global_concurrency: int = 64
    crawl_timeout_seconds: float = 20.0
    crawl_max_bytes: int = 50 * 1024 * 1024
    crawl_retries: int = 3

    grace_days: int = 0
    digest_hour: int = 8  # the daily digest (monitor.alerts), in `timezone`; 0–23, checked there
    digest_minute: int = 0

    # Parser resource limits (docs/configuration.md § Parser limits); each refusal is a ParseError.
    parse_zip_max_bytes: int = 100 * 1024 * 1024
    parse_zip_max_members: int = 5_000
    parse_xml_max_elements: int = 2_000_000
    parse_page_max_pixels: int = 25_000_000
    parse_image_max_pixels: int = 40_000_000
    parse_max_pages: int = 2_000
    parse_max_references: int = 5_000
    parse_timeout_seconds: float = 300.0
    parse_isolate: bool = True
    parse_workers: int = 0  # documents of a batch parsed side by side (0: one per CPU)
    ocr_lang: str = "chi_sim"  # Tesseract languages
    ocr_timeout: int = 180  # seconds per document
    ocr_psm: int = 4  # Tesseract page segmentation: prose, one column, lines of varying size
    convert_timeout: int = 120  # seconds for a LibreOffice DOC/WPS conversion
    # .doc (and Word 97 .wps) reader: "native" (indexer.parse.formats.msdoc, LibreOffice for
    # what it declines) or "soffice" (always LibreOffice)
    doc_reader: Literal["native", "soffice"] = "native"
    render_cache: Path | None = None  # simweb's rendered DOCX/PDF cache; unset: $TMPDIR/nianbao-render

    base_url: str = "http://127.0.0.1:5000"
    default_lang: str = "zh"
    timezone: str = "Asia/Shanghai"
    secret_key: str = ""
    admin_password: str = ""
    hsts_max_age: int = 31536000  # with an https base_url: Strict-Transport-Security (0 = none)
    export_max_rows: int = 100_000  # CSV/XLSX of a search: every match up to this many rows

    # Outbound senders (webhooks, chat robots) refuse non-public addresses except these
    # CIDRs or host names (comma-separated in NIANBAO_OUTBOUND_ALLOW); nianbao.outbound.
    outbound_allow: Annotated[list[str], NoDecode] = Field(default_factory=list)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_from: str = "年报监察 <alerts@example.org>"
    smtp_user: str = ""
    smtp_password: str = ""

    model_config = SettingsConfigDict(env_prefix="NIANBAO_", extra="ignore", populate_by_name=True)

    @field_validator("outbound_allow", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlSource(settings_cls))

    @classmethod
    def from_environment(cls) -> frozenset[str]:
        """The fields the environment sets (NIANBAO_* and the tools' own variables), by name:
        for a caller whose default gives way to what the operator set (the demo's data dir)."""
        names = {(f.alias or name): name for name, f in cls.model_fields.items()}
        return frozenset(names.get(key, key) for key in EnvSettingsSource(cls)())

    # Derived paths: one place decides where things live.
    @property
    def data_path(self) -> Path:
        p = self.data_dir if self.data_dir.is_absolute() else ROOT / self.data_dir
        return p

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_path / 'state.db'}"

    @property
    def archive_dir(self) -> Path:
        return self.data_path / "archive"

    @property
    def registry_path(self) -> Path:
        return self.config_dir / self.registry_file

    @property
    def es_home(self) -> Path:
        """Where the managed Elasticsearch lives (install + data), shared across data dirs."""
        return self.es_home_dir or _server_home("es")

    @property
    def pg_home(self) -> Path:
        """Where the managed PostgreSQL lives (binaries' cluster, data, password, port)."""
        return self.pg_home_dir or _server_home("pg")


def _traversable_by_others(path: Path) -> bool:
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents] if p.exists())


def _server_home(name: str) -> Path:
    """var/<name> in the checkout, unless a parent folder (e.g. a 0700 temp dir) would keep the
    server's unprivileged user out; then a per-checkout folder under /var/tmp."""
    home = ROOT / "var" / name
    if os.geteuid() != 0 or _traversable_by_others(ROOT):
        return home
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path(f"/var/tmp/nianbao-{name}") / digest


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
