"""Run every benchmark under bench/ in turn (``make bench``); each prints its own medians and ratios."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_validate.py", "bench_estimate.py", "bench_editor.py", "bench_proposal.py"]

if __name__ == "__main__":
    status = 0
    for name in BENCHES:
        path = HERE / name
        if not path.exists():
            continue
        print(f"\n=== {name} ===", flush=True)
        status |= subprocess.call([sys.executable, str(path)], cwd=HERE.parent)
    sys.exit(status)
