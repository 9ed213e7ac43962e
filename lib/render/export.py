"""Exports of exactly the filtered view — CSV, Excel, Parquet, JSON — each carrying its provenance.

Provenance (source, licence, field descriptions) is read from data/datapackage.json, never
retyped, and is that of the rows exported: the ONS figures' licence only where ONS figures are
in the view, and for council figures each row's own terms (the `licence` column, from its
source). Where it travels: Excel gets an "About" sheet, Parquet the file's key-value
metadata; CSV and JSON stay plain tables that `pandas.read_csv` / `read_json` load without
options, so their provenance is a Data Package sidecar (`<name>.datapackage.json`).

Text cells that a spreadsheet would run as a formula (= + - @ tab CR first) are neutralised
in CSV and Excel; numbers are never touched.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lib import __version__
from lib.data import load_package, resource

PRODUCT = "Homeworking dashboard"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, one of them the header
UPLOADED_LICENCE = "Uploaded by the user in their own session: not ONS figures; the uploader's terms apply"
SOURCE_FIELD = {
    "name": "source",
    "type": "string",
    "description": "Where the row's figure comes from: the dataset's short citation, or the name given to an upload.",
}


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """What a reader needs to cite an export: where it is from, under what terms, which view, when.

    The fields stand in the order `rows()` reads them out."""

    resource_name: str
    title: str
    citation: str
    publications: tuple[str, ...] = ()
    licences: tuple[str, ...]
    uploaded_sources: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()  # what a reader must know to read the view: comparing uploads with 2019
    filters: dict[str, str]
    product_version: str
    exported_at: str
    fields: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def licence(self) -> str:
        return "; ".join(self.licences)

    def filters_text(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.filters.items()) or "none (the whole table)"

    def rows(self) -> list[tuple[str, str]]:
        """The provenance as labelled lines, in the order a person reads them."""
        lines = [("Title", self.title), ("Source", self.citation)]
        if self.publications:
            lines.append(("Publications of these rows", "\n".join(self.publications)))
        if len(self.licences) > 1:
            lines.append(("Licences (each row's in its licence column)", "\n".join(self.licences)))
        else:
            lines.append(("Licence", self.licence or "none claimed: no built-in rows in this view"))
        if self.uploaded_sources:
            lines.append(("Uploaded figures", "; ".join(self.uploaded_sources) + f" — {UPLOADED_LICENCE}"))
        lines += [("Caution", caution) for caution in self.cautions]
        lines += [(f"Filter: {k}", v) for k, v in self.filters.items()] or [("Filters", self.filters_text())]
        lines += [
            ("Product", f"{PRODUCT} {self.product_version}"),
            ("Exported at", self.exported_at),
        ]
        lines += [(f"Column: {f['name']}", _field_text(f)) for f in self.fields]
        return lines

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "source": self.citation,
            "licence": self.licence,
            "licences": list(self.licences),
            "publications": list(self.publications),
            "uploaded_sources": list(self.uploaded_sources),
            "cautions": list(self.cautions),
            "filters": dict(self.filters),
            "product": PRODUCT,
            "product_version": self.product_version,
            "exported_at": self.exported_at,
        }


def _field_text(f: dict) -> str:
    unit = f" Unit: {f['unit']}." if f.get("unit") else ""
    return f"{f.get('description', '')}{unit}".strip()


def provenance(
    view: pd.DataFrame,
    resource_name: str,
    filters: dict[str, str],
    *,
    exported_at: datetime | None = None,
    exported_on: date | None = None,
    cautions: tuple[str, ...] = (),
) -> Provenance:
    """Provenance of `view` (rows of `resource_name`, perhaps with the user's uploaded rows).

    `exported_on` stamps the day instead of the second, so that files made the same day from the
    same address are the same bytes (the page's buttons and the API agree; ETags hold).
    """
    res = resource(resource_name)
    uploaded = ()
    if "source" in view:
        uploaded = tuple(s for s in pd.unique(view["source"].dropna()) if s != res.get("short_citation"))
    if exported_on is not None:
        when = exported_on.isoformat()
    else:
        when = (exported_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Provenance(
        resource_name=resource_name,
        title=res["title"],
        citation=res["citation"],
        publications=_unique(view["publication"]) if "publication" in view else (),
        licences=licences_of(view, resource_name),
        uploaded_sources=uploaded,
        cautions=cautions,
        filters=dict(filters),
        product_version=__version__,
        exported_at=when,
        fields=tuple(fields_of(view, resource_name)),
    )


def licences_of(view: pd.DataFrame, resource_name: str) -> tuple[str, ...]:
    """The terms of the rows in `view`, each once: never a licence that covers none of them.

    Council rows carry their own (`licence`, from their source). Otherwise the resource's
    licence holds for its own rows only: a view of nothing but uploaded rows claims none.
    """
    if "licence" in view:
        return _unique(view["licence"])
    res = resource(resource_name)
    own_rows = "source" not in view or bool((view["source"] == res.get("short_citation")).any())
    return tuple(_licence_text(lic) for lic in res["licenses"]) if own_rows and len(view) else ()


def _unique(values: pd.Series) -> tuple[str, ...]:
    return tuple(str(v) for v in pd.unique(values.dropna()))


def _licence_text(licence: dict) -> str:
    return f"{licence['title']} ({licence['path']})" if licence.get("path") else licence["title"]


def fields_of(view: pd.DataFrame, resource_name: str) -> list[dict]:
    """The Data Package field descriptions of the view's columns, in the view's order."""
    res = resource(resource_name)
    described = {f["name"]: f for f in [*res["schema"]["fields"], *res.get("derived_fields", [])]}
    described.setdefault("source", SOURCE_FIELD)
    return [described.get(c, {"name": c}) for c in view.columns]


def sources_of(prov: Provenance) -> list[dict]:
    """The Data Package `sources` entries the rows come from (by publication, else the resource's own)."""
    sources = load_package()["sources"]
    if prov.publications:
        return [s for s in sources if s["title"] in prov.publications]
    named = resource(prov.resource_name).get("source_names", [])
    return [s for s in sources if s["name"] in named] if prov.licences else []


def neutralise_formulas(view: pd.DataFrame) -> pd.DataFrame:
    """Prefix an apostrophe to text cells a spreadsheet would run as a formula; numbers untouched."""
    out = view.copy()
    for column in _text_columns(out):
        text = out[column]
        risky = text.str.startswith(FORMULA_TRIGGERS, na=False)
        if risky.any():
            out[column] = text.where(~risky, "'" + text)
    return out


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object]


def _is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _dates_as_text(view: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO days (YYYY-MM-DD), the Data Package 'date' type, in the text formats."""
    out = view.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out


def to_csv(view: pd.DataFrame, *, bom: bool = False) -> bytes:
    """UTF-8 CSV of the view; `bom=True` adds the byte-order mark Excel needs to read UTF-8."""
    # CRLF line ends (RFC 4180) so that a carriage return inside a cell is quoted, not a new row.
    text = neutralise_formulas(_dates_as_text(view)).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def to_json(view: pd.DataFrame) -> bytes:
    """The view as a JSON array of records (`pandas.read_json` reads it back without options)."""
    text = _dates_as_text(view).to_json(orient="records", force_ascii=False, indent=1)
    return text.encode("utf-8")


def to_parquet(view: pd.DataFrame, prov: Provenance) -> bytes:
    """Parquet via pyarrow; provenance in the file's key-value metadata, descriptions on each field."""
    table = pa.Table.from_pandas(view, preserve_index=False)
    descriptions = {f["name"]: _field_text(f) for f in prov.fields}
    schema = pa.schema(
        [
            f.with_metadata({"description": descriptions[f.name]}) if descriptions.get(f.name) else f
            for f in table.schema
        ],
        metadata={
            **(table.schema.metadata or {}),
            **{f"homeworking:{k}": _metadata_text(v) for k, v in prov.as_dict().items()},
            "homeworking:provenance": json.dumps(prov.as_dict(), ensure_ascii=False),
        },
    )
    buffer = io.BytesIO()
    pq.write_table(table.cast(schema), buffer, compression="zstd")
    return buffer.getvalue()


def _metadata_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def read_parquet_provenance(data: bytes) -> dict:
    """The provenance a Parquet export carries (for tests and for analysts checking a file)."""
    metadata = pq.read_schema(io.BytesIO(data)).metadata or {}
    return json.loads(metadata.get(b"homeworking:provenance", b"{}"))


def to_xlsx(view: pd.DataFrame, prov: Provenance) -> bytes:
    """Excel workbook: a "Data" sheet (first, so readers open it by default) and an "About" sheet.

    Written by XlsxWriter entirely in memory (an upload must never touch the disk).
    Formula-like text is a text cell with Excel's quote prefix, so it shows as typed and
    can never run; numbers are number cells; dates are date cells.
    """
    if len(view) > EXCEL_MAX_ROWS:
        raise ValueError(f"an Excel sheet holds at most {EXCEL_MAX_ROWS:,} rows; this view has {len(view):,}")
    import xlsxwriter  # loaded with the first Excel file, off a page's path

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    book.set_properties({"created": _moment(prov.exported_at)})  # also the zip's own dates: same view, same bytes
    formats = {
        "header": book.add_format({"bold": True}),
        "guarded": book.add_format({"quote_prefix": True}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "wrap_guarded": book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True}),
        "title": book.add_format({"bold": True, "font_size": 14}),
    }
    data = book.add_worksheet("Data")
    data.freeze_panes(1, 0)
    for col, name in enumerate(view.columns):
        data.write_string(0, col, str(name), formats["header"])
        data.set_column(col, col, _column_width(view[name], str(name)))
        _write_column(data, col, view[name], formats)
    about = book.add_worksheet("About")
    about.set_column(0, 0, 26)
    about.set_column(1, 1, 110)
    about.write_string(0, 0, "About this file", formats["title"])
    for row, (label, text) in enumerate(prov.rows(), start=1):
        about.write_string(row, 0, label, formats["header"])
        about.write_string(row, 1, text, formats["wrap_guarded" if _is_formula_like(text) else "wrap"])
    book.close()
    return buffer.getvalue()


def _moment(stamp: str) -> datetime:
    """An export stamp (a day, or a second in UTC) as the naive datetime Excel stores."""
    return datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=None)


def _write_column(sheet, col: int, values: pd.Series, formats: dict) -> None:
    """One column, typed once: numbers as numbers, dates as dates, everything else as text."""
    present = values.notna().tolist()
    if pd.api.types.is_datetime64_any_dtype(values):
        for row, (value, ok) in enumerate(zip(values.tolist(), present, strict=True), start=1):
            if ok:
                sheet.write_datetime(row, col, value.to_pydatetime(), formats["date"])
    elif pd.api.types.is_bool_dtype(values):
        for row, (value, ok) in enumerate(zip(values.tolist(), present, strict=True), start=1):
            if ok:
                sheet.write_boolean(row, col, bool(value))
    elif pd.api.types.is_numeric_dtype(values):
        for row, (value, ok) in enumerate(zip(values.tolist(), present, strict=True), start=1):
            if ok:
                sheet.write_number(row, col, value)
    else:
        for row, (value, ok) in enumerate(zip(values.tolist(), present, strict=True), start=1):
            if ok:
                text = str(value)
                sheet.write_string(row, col, text, formats["guarded"] if _is_formula_like(text) else None)


def _column_width(values: pd.Series, name: str) -> float:
    sample = values.head(200).astype(str)
    longest = max([len(name), *sample.str.len().fillna(0).astype(int).tolist()])
    return float(min(max(longest + 2, 8), 60))


def datapackage(view: pd.DataFrame, prov: Provenance, stem: str) -> bytes:
    """The sidecar for the CSV and JSON files: a Frictionless Data Package describing both.

    Its sources are those of the rows (from data/datapackage.json, with each one's terms and
    any marking); `licenses` lists only licences that cover rows in the view, so a file of
    council quotations claims none. The view's filters, its rows' licences, the product
    version and the export time go under "homeworking_export".
    """
    fields = [dict(f) for f in prov.fields]
    schema = {"fields": fields}
    sources = sources_of(prov)
    return json.dumps(
        {
            "name": stem,
            "title": f"{prov.title} (exported view)",
            "created": prov.exported_at,
            "licenses": [lic for s in sources for lic in s["licenses"]],
            "sources": sources,
            "homeworking_export": prov.as_dict(),
            "resources": [
                {"name": f"{stem}-csv", "path": f"{stem}.csv", "format": "csv", "encoding": "utf-8", "schema": schema},
                {"name": f"{stem}-json", "path": f"{stem}.json", "format": "json", "schema": schema},
            ],
        },
        ensure_ascii=False,
        indent=2,
    ).encode("utf-8")


def export_stem(table_slug: str, groups: list[str], *, filtered: bool, with_uploads: bool) -> str:
    """A file name that says what is inside: `homeworking-2019-sector-filtered`.

    Names up to three chosen groups (breakdowns or kinds of body); "filtered" when rows
    were narrowed beyond them; "with-your-data" when the user's uploaded rows are included.
    """
    parts = [table_slug]
    if 0 < len(groups) <= 3:
        parts += [slug(g) for g in groups]
    elif len(groups) > 3:
        filtered = True
    if with_uploads:
        parts.append("with-your-data")
    if filtered:
        parts.append("filtered")
    return "-".join(parts)


def slug(text: str) -> str:
    """Text as a file-name part: lower case, runs of anything else as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
