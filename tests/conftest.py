"""Shared test set-up: inspect runs quietly; every test passes its own temporary log dir."""

import os

os.environ["INSPECT_DISPLAY"] = "none"
