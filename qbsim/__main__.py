"""``python -m qbsim …`` is the ``qbsim`` command (for a venv whose scripts are not on PATH)."""

from qbsim.cli import app

app(prog_name="qbsim")
