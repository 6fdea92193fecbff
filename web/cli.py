"""`nianbao users`: portal accounts. (`nianbao serve` is the top floor's: nianbao.app.portal.)"""

from __future__ import annotations

import sys

import click

from nianbao.db import require_current
from nianbao.settings import get_settings

from .users import save_user_in


@click.group("users")
def users_group() -> None:
    """门户账号（管理员、主管、审核员）/ portal accounts."""


@users_group.command("create")
@click.argument("name")
@click.option("--role", default="reviewer", show_default=True,
              type=click.Choice(["reviewer", "supervisor", "admin"]),
              help="角色 / role (reviewer: review findings and correct cells)")
@click.option("--password-stdin", is_flag=True,
              help="从标准输入读取密码（默认随机生成并只显示一次）/ read the password from stdin "
                   "(default: a random one, printed once)")
def create_user_cmd(name: str, role: str, password_stdin: bool) -> None:
    """创建用户或重设其密码 / create a user, or reset its password and role."""
    url = get_settings().database_url
    require_current(url)
    given = sys.stdin.readline().rstrip("\n") if password_stdin else None
    password = save_user_in(url, name, role, given)
    click.echo(f"用户 user: {name}  角色 role: {role}")
    if not given:
        click.echo(f"密码 password: {password}")
        click.echo("密码只显示这一次，请妥善保存 / the password is shown only this once", err=True)
