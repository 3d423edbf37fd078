"""The floor of ``lessonplan --help``: a typer app of two commands (``python -m ... --help``)."""

from __future__ import annotations

import typer

app = typer.Typer(help="A minimal typer app.", add_completion=False)


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


@app.command()
def bye(name: str) -> None:
    """Say goodbye."""
    typer.echo(f"bye {name}")


if __name__ == "__main__":
    app()
