"""`python -m lib.data`: validate the built-in files and record that they passed (data/validated.json)."""

from lib.data.load import write_validation_stamp

for name, digest in write_validation_stamp().items():
    print(f"{name}: valid, sha256 {digest[:16]}…")
