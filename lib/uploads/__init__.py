"""Your own figures: untrusted bytes in, validated tidy rows (or row-level problems) out.

- `parse`: a CSV, spreadsheet or Parquet file (or a bundle) → rows checked with the built-in table's rules;
- `sheets`: a spreadsheet's sheet and header (Excel .xlsx, or OpenDocument .ods streamed by `ods`);
- `preflight`: what a file declares about its size, checked before anything is decoded;
- `reader`: `parse` in a separate process per file, with a memory and time limit;
- `bundle`: your figures as a .zip you keep, and back;
- `layout`: a table read as its author laid it out (a title above it, a column per measure, percentage cells);
- `labels`: labels matched to the built-in ones in any spelling, and those that look like a typo of a known one
  ("Walse": did you mean Wales?) asked about, the answer applied.

The caps are in lib/limits.py, each with its reason.
"""

from lib.uploads.parse import COLUMNS, Upload, UploadError, problem_table, read_upload, template

__all__ = ["COLUMNS", "Upload", "UploadError", "problem_table", "read_upload", "template"]
