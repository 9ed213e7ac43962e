"""Shared test setup: run from the repository root so `lib`, `ui` and `data/` resolve."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
