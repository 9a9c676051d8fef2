"""``overheard serve``: the workbench on this machine's loopback address, or elsewhere with a token."""

from __future__ import annotations

import ipaddress
import threading
import webbrowser
from typing import Any

import click

from overheard.errors import OverheardError


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything, so it counts as exposed


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--token",
    envvar="OVERHEARD_TOKEN",
    help="Access token every page and API call must carry (required for a non-loopback "
    "--host). Env: OVERHEARD_TOKEN.",
)
@click.option("--open/--no-open", "open_browser", default=False, help="Open a browser tab.")
@click.pass_context
def serve_command(
    ctx: click.Context, host: str, port: int, token: str | None, open_browser: bool
) -> None:
    """Serve the workbench: read, listen, search and follow the evidence in a browser.

    Offline: every script and style comes from the package itself. Listens on 127.0.0.1 unless
    told otherwise; any other address needs --token, and then every request must carry it
    (open the printed URL once; the browser keeps it in a cookie).

    \b
    Example:
      overheard serve --open
      overheard serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"
    """
    import uvicorn

    from overheard.web.app import LOOPBACK_HOSTS, VENDOR, create_app

    if token is not None and len(token) < 8:
        raise OverheardError("--token must be at least 8 characters")
    loopback = is_loopback(host)
    if not loopback and not token:
        raise OverheardError(
            f"listening on {host} exposes the case to the network: pass --token SECRET "
            "(every page and API call will need it) or keep the default --host 127.0.0.1"
        )
    case = ctx.obj.open_case(create=False)
    # On loopback only loopback Host names are answered (no DNS rebinding); with a token the
    # token is the guard and the server answers to whatever name it is reached by.
    app = create_app(case, token=token, allowed_hosts=LOOPBACK_HOSTS if loopback else ["*"])
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"overheard workbench on {url}  (case {case.root}; Ctrl-C stops)", err=True)
    if not (VENDOR / "htmx.min.js").is_file():
        click.echo(
            "note: front-end libraries missing (run scripts/setup-web.sh): no map, upload "
            "progress or masking switch",
            err=True,
        )
    if open_browser:
        threading.Timer(1.0, _open, args=(url,)).start()
    try:
        uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning")
    finally:
        case.close()


def _open(url: str) -> Any:
    return webbrowser.open(url)
