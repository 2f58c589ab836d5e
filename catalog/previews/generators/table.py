"""Tables: CSV/TSV and Excel → the first rows, a type and statistics per column over the whole file, and a
line chart when a date/time column sits beside numeric ones (a time series).

The file is read once, in chunks of rows that are processed column by column with numpy, so a 50 MB CSV
stays within a few seconds and a bounded amount of memory (benchmark: `python -m bench previews`).
"""

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta

import numpy as np
from django.utils.translation import gettext as _

from .base import (
    CHART_POINTS,
    MAX_COLUMNS,
    MAX_DISTINCT,
    MAX_LINE_CHARS,
    TABLE_ROWS,
    PreviewUnavailable,
    Result,
    cut,
)

CHUNK_ROWS = 20_000
# Rows whose values are kept for the chart (8 bytes per numeric value); later rows count in the statistics.
CHART_ROWS = 2_000_000
MAX_SERIES = 6
SNIFF_BYTES = 64 * 1024
DELIMITERS = [",", ";", "\t", "|"]
TRUE_FALSE = {"true", "false", "yes", "no", "t", "f", "y", "n", "ja", "nein", "kyllä", "ei"}

# Candidate types from the most to the least specific; a value that fails demotes the column.
INTEGER, NUMBER, BOOLEAN, DATETIME, DATE, TEXT, EMPTY = (
    "integer",
    "number",
    "boolean",
    "datetime",
    "date",
    "text",
    "empty",
)


def _parse_time(value: str):
    value = value.strip()
    if len(value) < 8 or not value[:4].isdigit():
        raise ValueError(value)
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value.replace(" ", "T", 1))


def _epoch(value) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return (value - datetime(1970, 1, 1)).total_seconds()
        return value.timestamp()
    return (datetime(value.year, value.month, value.day) - datetime(1970, 1, 1)).total_seconds()


class Column:
    """Statistics of one column, kept while the chunks pass."""

    def __init__(self, name: str):
        self.name = name
        self.type = None  # None until the first non-empty value
        self.count = 0
        self.empty = 0
        self.counter: Counter | None = Counter()
        self.minimum = None
        self.maximum = None
        self.total = 0.0
        self.numeric_count = 0
        self.min_length = None
        self.max_length = 0
        self.formulas = 0
        self.series: list[np.ndarray] = []  # numbers, or epoch seconds of times, per chunk (NaN = empty)
        self.checked = False  # a chunk with values has passed as the current type

    # -- one chunk of values ------------------------------------------------------------------------
    def add(self, values: tuple, keep_series: bool) -> None:
        n = len(values)
        self.count += n
        filled = [v for v in values if v != ""] if "" in values else list(values)
        self.empty += n - len(filled)
        if self.counter is not None:
            self.counter.update(filled)
            if len(self.counter) > MAX_DISTINCT:
                self.counter = None
        if filled:
            lengths = [len(v) for v in filled]
            self.max_length = max(self.max_length, max(lengths))
            shortest = min(lengths)
            self.min_length = shortest if self.min_length is None else min(self.min_length, shortest)
            self.formulas += sum(1 for v in filled if v[0] == "=")
        if self.type is None and filled:
            first = filled[0]
            self.type = INTEGER if first.strip().lstrip("+-").isdigit() else NUMBER
        while self.type not in (None, TEXT):
            if self._try(self.type, values, filled, keep_series):
                self.checked = self.checked or bool(filled)
                break
            self._demote()
        if not keep_series:
            self.series = []

    def _try(self, kind: str, values: tuple, filled: list, keep_series: bool) -> bool:
        if kind in (INTEGER, NUMBER):
            if not filled:
                if keep_series:
                    self.series.append(np.full(len(values), np.nan, dtype=np.float32))
                return True
            try:
                numbers = np.array(filled, dtype=np.float64)
            except ValueError:
                return False
            if not np.all(np.isfinite(numbers)):
                return False
            if kind == INTEGER and any(not v.strip().lstrip("+-").isdigit() for v in filled):
                return False
            self._numbers(numbers)
            if keep_series:
                if len(filled) == len(values):
                    self.series.append(numbers.astype(np.float32))
                else:
                    full = np.full(len(values), np.nan, dtype=np.float32)
                    full[[i for i, v in enumerate(values) if v != ""]] = numbers
                    self.series.append(full)
            return True
        if kind == BOOLEAN:
            return {v.strip().lower() for v in filled} <= TRUE_FALSE
        if kind in (DATETIME, DATE):
            try:
                parsed = [_parse_time(v) for v in filled]
            except ValueError:
                return False
            if kind == DATE and any(isinstance(p, datetime) for p in parsed):
                self.type = DATETIME
                self.minimum = self.maximum = None
                return self._try(DATETIME, values, filled, keep_series)
            if kind == DATETIME and parsed:
                try:
                    epochs = [_epoch(p) for p in parsed]
                except (OverflowError, ValueError):
                    return False
            elif parsed:
                epochs = [_epoch(p) for p in parsed]
            else:
                epochs = []
            if parsed:
                low, high = min(epochs), max(epochs)
                low_value, high_value = parsed[epochs.index(low)], parsed[epochs.index(high)]
                if self.minimum is None or low < self.minimum[0]:
                    self.minimum = (low, low_value)
                if self.maximum is None or high > self.maximum[0]:
                    self.maximum = (high, high_value)
            if keep_series:
                full = np.full(len(values), np.nan)
                if epochs:
                    full[[i for i, v in enumerate(values) if v != ""]] = epochs
                self.series.append(full)
            return True
        return True

    def _numbers(self, numbers: np.ndarray) -> None:
        low, high = float(numbers.min()), float(numbers.max())
        self.minimum = low if self.minimum is None else min(self.minimum, low)
        self.maximum = high if self.maximum is None else max(self.maximum, high)
        self.total += float(numbers.sum())
        self.numeric_count += len(numbers)

    def _demote(self) -> None:
        """The current type failed: try the next one. Integers that turn out to be decimals keep their
        statistics; once earlier chunks passed as numbers, a column with words is text."""
        order = {INTEGER: NUMBER, NUMBER: BOOLEAN, BOOLEAN: DATE, DATE: TEXT, DATETIME: TEXT}
        previous = self.type
        self.type = order[previous]
        if previous == INTEGER:
            return
        self.series = []
        self.minimum = self.maximum = None
        self.total = 0.0
        self.numeric_count = 0
        if previous == NUMBER and self.checked:
            self.type = TEXT

    def recheck_all(self) -> None:
        """After a demotion to a weaker type, the values of earlier chunks must fit it too (from the
        counter of distinct values; when it overflowed, the column is text)."""
        if self.type in (None, TEXT, NUMBER):
            return  # integers that became decimals are still numbers
        if self.counter is None:
            self.type = TEXT
            return
        values = list(self.counter)
        if self.type == BOOLEAN and not {v.strip().lower() for v in values} <= TRUE_FALSE:
            self.type = TEXT
        elif self.type in (DATE, DATETIME):
            try:
                for v in values:
                    _parse_time(v)
            except ValueError:
                self.type = TEXT

    # -- the summary --------------------------------------------------------------------------------
    def summary(self) -> dict:
        kind = self.type or EMPTY
        stats = {
            "name": self.name,
            "type": kind,
            "count": self.count,
            "empty": self.empty,
            "distinct": len(self.counter) if self.counter is not None else None,
        }
        if kind in (INTEGER, NUMBER) and self.numeric_count:
            stats.update(
                min=_number(self.minimum),
                max=_number(self.maximum),
                mean=_number(self.total / self.numeric_count),
            )
        elif kind in (DATE, DATETIME) and self.minimum is not None:
            stats.update(min=self.minimum[1].isoformat(), max=self.maximum[1].isoformat())
        elif kind in (TEXT, BOOLEAN) and self.min_length is not None:
            stats.update(min_length=self.min_length, max_length=self.max_length)
        if self.counter is not None and kind in (TEXT, BOOLEAN):
            stats["top"] = [[cut(value, 80), count] for value, count in self.counter.most_common(3)]
        if self.formulas:
            stats["formulas"] = self.formulas
        return stats


def _number(value: float):
    if value is None:
        return None
    if float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return round(float(value), 6)


class TableBuilder:
    """Feed rows of strings (the first is the header); `result()` gives the table preview."""

    def __init__(self, header: list[str], *, source_format: str, extra: dict | None = None):
        if len(header) > MAX_COLUMNS:
            raise PreviewUnavailable(
                _("The table has %(n)d columns; previews show tables of up to %(max)d columns.")
                % {"n": len(header), "max": MAX_COLUMNS}
            )
        names, seen = [], set()
        for index, raw in enumerate(header, start=1):
            name = cut(str(raw).strip(), 120) or _("column %(n)d") % {"n": index}
            while name in seen:
                name += f" ({index})"
            seen.add(name)
            names.append(name)
        self.columns = [Column(name) for name in names]
        self.width = len(names)
        self.rows: list[list[str]] = []
        self.row_count = 0
        self.ragged = 0
        self.chunk: list[list[str]] = []
        self.source_format = source_format
        self.extra = extra or {}

    def add(self, row: list[str]) -> None:
        if len(row) != self.width:
            if len(row) > MAX_COLUMNS * 4:
                raise PreviewUnavailable(_("A row has %(n)d fields: not a table.") % {"n": len(row)})
            self.ragged += 1
            row = (row + [""] * self.width)[: self.width]
        if len(self.rows) < TABLE_ROWS:
            self.rows.append([cut(value) for value in row])
        self.chunk.append(row)
        if len(self.chunk) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.chunk:
            return
        keep_series = self.row_count < CHART_ROWS
        self.row_count += len(self.chunk)
        for column, values in zip(self.columns, zip(*self.chunk, strict=True), strict=True):
            before = column.type
            column.add(values, keep_series)
            if before not in (None, column.type) and self.row_count > len(self.chunk):
                column.recheck_all()
        self.chunk = []

    def result(self) -> Result:
        self.flush()
        columns = [column.summary() for column in self.columns]
        data = {
            "format": self.source_format,
            "columns": columns,
            "rows": self.rows,
            "row_count": self.row_count,
            "truncated": self.row_count > len(self.rows),
            "ragged_rows": self.ragged,
            **self.extra,
        }
        chart = self._chart()
        if chart:
            data["chart"] = chart
        return Result(kind="table", data=data)

    def _chart(self) -> dict | None:
        """A time series: a date/time column and numeric columns, averaged into CHART_POINTS buckets."""
        time_column = next(
            (c for c in self.columns if c.type in (DATE, DATETIME) and c.series and c.empty < c.count), None
        )
        if time_column is None:
            return None
        numeric = [c for c in self.columns if c.type in (INTEGER, NUMBER) and c.series][:MAX_SERIES]
        if not numeric:
            return None
        times = np.concatenate(time_column.series)
        keep = ~np.isnan(times)
        if keep.sum() < 2:
            return None
        order = np.argsort(times[keep], kind="stable")
        times = times[keep][order]
        buckets = np.array_split(np.arange(len(times)), min(CHART_POINTS, len(times)))
        x = [_iso(float(times[b].mean()), time_column.type) for b in buckets if len(b)]
        series = []
        for column in numeric:
            values = np.concatenate(column.series)
            if len(values) != len(keep):
                continue
            values = values[keep][order]
            points = []
            for b in buckets:
                if not len(b):
                    continue
                chunk = values[b]
                chunk = chunk[~np.isnan(chunk)]
                points.append(_number(float(chunk.mean(dtype=np.float64))) if len(chunk) else None)
            finite = [p for p in points if p is not None]
            if finite:
                series.append({"name": column.name, "values": points, "min": min(finite), "max": max(finite)})
        if not series:
            return None
        return {"time_column": time_column.name, "x": x, "series": series, "points": len(times)}


def _iso(epoch: float, kind: str) -> str:
    moment = datetime(1970, 1, 1) + timedelta(seconds=round(epoch))
    return moment.date().isoformat() if kind == DATE else moment.isoformat()


# --- CSV / TSV --------------------------------------------------------------------------------------


def _encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A character cut at the end of the sample is still UTF-8.
        if exc.start >= len(head) - 3:
            return "utf-8"
        return "cp1252"


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    if len(lines) > 1 and lines[-1] == sample.splitlines()[-1]:
        lines = lines[:-1] or lines  # the last line of the sample may be cut
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        counts = [line.count(candidate) for line in lines]
        if not counts or min(counts) == 0:
            continue
        score = (len(set(counts)) == 1, min(counts))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _lines(text):
    """Physical lines, refusing any longer than MAX_LINE_CHARS before it is held in memory."""
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            raise PreviewUnavailable(
                _("A line of the file is longer than %(n)d characters.") % {"n": MAX_LINE_CHARS}
            )
        yield line


def csv_preview(stream, *, delimiter: str | None = None) -> Result:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PreviewUnavailable(_("The file is binary, not delimited text."))
    encoding = _encoding(head)
    if delimiter is None:
        delimiter = _delimiter(head.decode(encoding, errors="replace"))
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    try:
        reader = csv.reader(_lines(text), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise PreviewUnavailable(_("The file is empty.")) from None
        builder = TableBuilder(
            header,
            source_format="tsv" if delimiter == "\t" else "csv",
            extra={"delimiter": delimiter, "encoding": encoding},
        )
        for row in reader:
            if row:
                builder.add(row)
    except csv.Error as exc:
        raise PreviewUnavailable(
            _("The file is not valid delimited text: %(error)s") % {"error": exc}
        ) from exc
    finally:
        text.detach()
    return builder.result()


# --- Excel ------------------------------------------------------------------------------------------

EXCEL_ROWS = 200_000
MAX_SHARED_STRINGS = 40 * 1024 * 1024


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (
            value.isoformat()
            if (value.hour, value.minute, value.second) != (0, 0, 0)
            else value.date().isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def excel_preview(stream) -> Result:
    """The first sheet of an .xlsx workbook. Formulas are shown as their text (`=SUM(A1:A3)`), never
    evaluated; the archive is checked for zip bombs first (archive.check_zip)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from .archive import check_zip

    archive = check_zip(stream)
    # openpyxl holds the shared strings in memory even in read-only mode.
    strings = next((m for m in archive.infolist() if m.filename == "xl/sharedStrings.xml"), None)
    if strings is not None and strings.file_size > MAX_SHARED_STRINGS:
        raise PreviewUnavailable(
            _(
                "The workbook's text table is %(mb)d MB; "
                "previews read workbooks with up to %(max)d MB of text."
            )
            % {"mb": strings.file_size // 2**20, "max": MAX_SHARED_STRINGS // 2**20}
        )
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise PreviewUnavailable(_("The workbook cannot be read: %(error)s") % {"error": exc}) from exc
    try:
        sheets = workbook.sheetnames
        if not sheets:
            raise PreviewUnavailable(_("The workbook has no sheets."))
        sheet = workbook[sheets[0]]
        rows = sheet.iter_rows(values_only=True)
        header = None
        builder = None
        for index, row in enumerate(rows):
            if index > EXCEL_ROWS:
                break
            cells = [_cell(value) for value in row[: MAX_COLUMNS + 1]]
            while cells and cells[-1] == "" and (header is None or len(cells) > len(header)):
                cells.pop()
            if header is None:
                if not cells:
                    continue
                header = cells
                builder = TableBuilder(
                    header,
                    source_format="xlsx",
                    extra={"sheets": [cut(s, 80) for s in sheets[:20]], "sheet": cut(sheets[0], 80)},
                )
                continue
            if any(cells):
                builder.add(cells)
        if builder is None:
            raise PreviewUnavailable(_("The first sheet is empty."))
        result = builder.result()
        result.data["row_limit_reached"] = builder.row_count >= EXCEL_ROWS
        return result
    except (KeyError, ValueError, TypeError, OSError) as exc:
        raise PreviewUnavailable(_("The workbook cannot be read: %(error)s") % {"error": exc}) from exc
    finally:
        workbook.close()
