"""The first sheet of an XLSX workbook as CSV text, parsed in a child process.

openpyxl cannot be bounded from outside: it loads a workbook's shared strings and styles whole, and a
sheet may claim (in its <dimension>) or use (one far cell such as XFD3000) a range of millions of
cells. So the parsing runs in `python -m store.workbook`, whose address space is capped
(resource.setrlimit, LAO_XLSX_MEMORY_MB) and which is killed after LAO_XLSX_SECONDS: a hostile workbook
costs the server a refusal, never its memory. The child also never pads: it ignores the claimed
dimension, reads at most one column past the column limit, drops trailing empty cells and rows, and
stops at the first row past the row, column or cell limit.

Protocol: the workbook's bytes on stdin; on success exit 0 with the rows as CSV (every field quoted, so
values holding CR or LF survive) on stdout and {"width": W} on stderr; on a refusal exit 3 with
{"th": ..., "en": ...} on stderr. Anything else (killed, out of memory) is refused by the parent.
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, datetime, time

REFUSED = 3
OUT_OF_MEMORY = 4


class Refusal(Exception):
    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.th, self.en = th, en


def column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cell_text(v) -> str:
    """An Excel cell as the text a user typed: 2569 not 2569.0, TRUE as 1, dates as ISO."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ") if v.time() != time(0) else v.date().isoformat()
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v)


def sheet_to_csv(data: bytes, out, max_rows: int, max_columns: int, max_cells: int) -> int:
    """Write the first sheet's rows to `out` as CSV; returns the width (columns) written."""
    import openpyxl  # imported here: the parent never loads it

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()                  # the range a sheet claims is not trusted
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        width = blank = 0
        for number, row in enumerate(ws.iter_rows(values_only=True, max_col=max_columns + 1), start=1):
            cells = [cell_text(v) for v in row]
            while cells and not cells[-1].strip():
                cells.pop()
            if not cells:
                blank += 1                     # written only when a row with data follows
                continue
            _check_limits(number, len(cells), max(width, len(cells)), max_rows, max_columns, max_cells)
            width = max(width, len(cells))
            for _ in range(blank):
                writer.writerow([])
            blank = 0
            writer.writerow(cells)
        return width
    finally:
        wb.close()


def _check_limits(number: int, used: int, width: int, max_rows: int, max_columns: int, max_cells: int) -> None:
    if used > max_columns:
        raise Refusal(f"แถว {number} มีข้อมูลในคอลัมน์ {column_letter(used)}: ไฟล์มีได้ไม่เกิน {max_columns:,} คอลัมน์ "
                      "(LAO_IMPORT_MAX_COLUMNS)",
                      f"row {number} has data in column {column_letter(used)}: a file may have at most "
                      f"{max_columns:,} columns (LAO_IMPORT_MAX_COLUMNS)")
    if number - 1 > max_rows:
        raise Refusal(f"ไฟล์มีข้อมูลเกิน {max_rows:,} แถว (LAO_IMPORT_MAX_ROWS) กรุณาแบ่งเป็นหลายไฟล์",
                      f"the file has more than {max_rows:,} data rows (LAO_IMPORT_MAX_ROWS): split it into "
                      "several files")
    if (number - 1) * width > max_cells:
        raise Refusal(f"ไฟล์มีข้อมูลเกิน {max_cells:,} ช่อง (แถว × คอลัมน์, LAO_IMPORT_MAX_CELLS) กรุณาแบ่งเป็นหลายไฟล์",
                      f"the file has more than {max_cells:,} cells (rows × columns, LAO_IMPORT_MAX_CELLS): "
                      "split it into several files")


# --- parent side ------------------------------------------------------------------------------------

def run(data: bytes, max_rows: int, max_columns: int, max_cells: int, seconds: float,
        memory_mb: float) -> tuple[str, int]:
    """(CSV text, width) of the first sheet, parsed in a capped child process; raises Refusal."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
    args = [sys.executable, "-m", "store.workbook", str(max_rows), str(max_columns), str(max_cells),
            str(int(memory_mb * 1024 * 1024))]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        done = subprocess.run(args, input=data, capture_output=True, timeout=seconds, cwd=root, env=env)
    except subprocess.TimeoutExpired:
        raise Refusal(f"อ่านไฟล์ Excel ไม่เสร็จภายใน {seconds:g} วินาที (LAO_XLSX_SECONDS) กรุณาบันทึกเป็น CSV UTF-8 "
                      "หรือแบ่งเป็นหลายไฟล์",
                      f"reading the workbook took longer than {seconds:g} s (LAO_XLSX_SECONDS): save it as "
                      "CSV UTF-8, or split it") from None
    status = _status(done.stderr)
    if done.returncode == 0 and "width" in status:
        return done.stdout.decode("utf-8"), int(status["width"])
    if done.returncode == REFUSED and "en" in status:
        raise Refusal(status["th"], status["en"])
    raise Refusal(f"ไฟล์ Excel ต้องใช้หน่วยความจำเกิน {memory_mb:g} MB (LAO_XLSX_MEMORY_MB) หรือไฟล์เสียหาย "
                  "กรุณาบันทึกเป็น CSV UTF-8",
                  f"the workbook needs more than {memory_mb:g} MB to read (LAO_XLSX_MEMORY_MB), or it is damaged: "
                  "save it as CSV UTF-8")


def _status(stderr: bytes) -> dict:
    """The child's last stderr line as JSON (earlier lines may be warnings)."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    try:
        out = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def _out_of_memory(exc: BaseException, limit: int) -> bool:
    """Whether a failure came from the address-space cap: running out shows as MemoryError, but also
    as SystemError, zlib's or expat's "out of memory" errors, so also look at how close the process
    came to its limit."""
    chain, link = set(), exc
    while link is not None and id(link) not in chain:
        if isinstance(link, (MemoryError, SystemError)) or "memory" in str(link).lower():
            return True
        chain.add(id(link))
        link = link.__cause__ or link.__context__
    try:
        with open("/proc/self/status") as f:
            peak = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmPeak:"))
    except (OSError, StopIteration, ValueError):
        return False
    return peak > 0.75 * limit


def _main(argv: list[str]) -> int:
    import resource

    max_rows, max_columns, max_cells, address_space = (int(a) for a in argv)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    data = sys.stdin.buffer.read()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        width = sheet_to_csv(data, out, max_rows, max_columns, max_cells)
        out.flush()
    except Refusal as exc:
        print(json.dumps({"th": exc.th, "en": exc.en}, ensure_ascii=False), file=sys.stderr)
        return REFUSED
    except Exception as exc:       # openpyxl raises many kinds of error on a damaged workbook
        if _out_of_memory(exc, address_space):
            return OUT_OF_MEMORY
        reason = f"{type(exc).__name__}: {exc}"[:300]
        print(json.dumps({"th": f"เปิดไฟล์ Excel ไม่ได้ ({type(exc).__name__})",
                          "en": f"cannot open the workbook ({reason})"}, ensure_ascii=False), file=sys.stderr)
        return REFUSED
    print(json.dumps({"width": width}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
