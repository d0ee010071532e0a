"""Operator commands: `flask --app app richmenu deploy`, `flask --app app richmenu preview OUT_DIR`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint

from bot.richmenu import menus as rich_menus
from bot.line_client import LineApiError
from bot.richmenu.image import FontError, describe_font
from core.runtime import runtime

richmenu_cli = Blueprint("richmenu_cli", __name__, cli_group="richmenu")


@richmenu_cli.cli.command("deploy")
def deploy():
    """Create the visitor menu and the member menus (by tier and verified phone) on LINE, replacing the
    ones deployed before; 會員卡 opens https://liff.line.me/{LIFF_ID} when LIFF_ID is set."""
    rt = runtime()
    try:
        result = rich_menus.deploy(rt.db, rt.line, rt.config.BOT_FONT_PATH, rt.clock.now(), rt.config.LIFF_ID)
    except FontError as exc:
        raise click.ClickException(str(exc)) from None
    except LineApiError as exc:
        raise click.ClickException(f"LINE refused: {exc.status} {exc.message}") from None
    click.echo(f"menu labels: {describe_font(rt.config.BOT_FONT_PATH)}")
    for name, menu_id in result.menu_ids.items():
        click.echo(f"{name} menu: {menu_id}")
    click.echo(f"visitor menu is the default; member menus linked to {result.members_linked} members"
               + (f" ({result.members_not_linked} not: see the log)" if result.members_not_linked else ""))
    click.echo(f"previous menus deleted: {result.menus_deleted}"
               + (f" ({result.menus_not_deleted} left for the next deploy)" if result.menus_not_deleted else ""))


@richmenu_cli.cli.command("preview")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def preview(out_dir: Path):
    """Write the menu images as PNG files to look at, without calling LINE."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        for lay in rich_menus.LAYOUTS:
            path = out_dir / f"rich-menu-{lay.name}.png"
            path.write_bytes(rich_menus.menu_image(lay, runtime().config.BOT_FONT_PATH))
            click.echo(f"{path} ({lay.size[0]}x{lay.size[1]})")
    except FontError as exc:
        raise click.ClickException(str(exc)) from None
