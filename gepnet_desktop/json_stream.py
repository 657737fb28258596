"""Reading a JSON file a value at a time: the items of a top-level array one by one (memory
stays flat whatever the file's size), or the one value of a file that holds no array.

`json.JSONDecoder.raw_decode` over a buffer refilled from the file; errors are
`json.JSONDecodeError` with the line and column in the whole file, as `json.loads` gives them.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 1 << 16
LONGEST_LINE = 1 << 18  # JsonLines: a longer line is read by JsonItems instead
_WS = " \t\n\r"
_NUMBER = "0123456789.eE+-"
_decoder = json.JSONDecoder()


class JsonItems:
    """The values of a JSON file: `is_list` tells whether it holds an array (known after the
    first value is read, or at once for an empty file); `read` counts the bytes consumed."""

    def __init__(self, fh: IO[bytes], chunk: int = CHUNK) -> None:
        self._fh = fh
        self._chunk = chunk
        self._decode = codecs.getincrementaldecoder("utf-8-sig")()
        self._buf = ""
        self._pos = 0
        self._done_lines = 0  # line breaks in the text dropped from the buffer's front
        self._done_chars = 0  # characters dropped from the buffer's front
        self._col_base = 0  # characters of the dropped text after its last line break
        self._eof = False
        self.read = 0
        self.is_list: bool | None = None

    def _more(self) -> bool:
        if self._eof:
            return False
        raw = self._fh.read(self._chunk)
        self.read += len(raw)
        if not raw:
            self._eof = True
            self._buf += self._decode.decode(b"", final=True)
            return False
        if self._pos > self._chunk:  # drop what was read, keeping line numbers right
            dropped = self._buf[:self._pos]
            breaks = dropped.count("\n")
            self._done_lines += breaks
            self._done_chars += len(dropped)
            self._col_base = len(dropped) - dropped.rfind("\n") - 1 if breaks else \
                self._col_base + len(dropped)
            self._buf, self._pos = self._buf[self._pos:], 0
        self._buf += self._decode.decode(raw)
        return True

    def _skip_ws(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WS:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def _error(self, msg: str, pos: int) -> json.JSONDecodeError:
        """An error at buffer position `pos`, placed in the whole file."""
        line = self._done_lines + self._buf.count("\n", 0, pos) + 1
        start = self._buf.rfind("\n", 0, pos)
        col = pos - start if start >= 0 else pos + 1 + self._col_base
        err = json.JSONDecodeError(msg, self._buf, pos)
        err.lineno, err.colno, err.pos = line, col, self._done_chars + pos
        return err

    def _value(self) -> Any:
        """Decode the value at the current position, reading more of the file as needed."""
        while True:
            try:
                value, end = _decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise self._error(exc.msg, exc.pos) from None
            if isinstance(value, (int, float)) and not self._eof and \
                    not self._buf[end:].lstrip(_NUMBER) and self._more():
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    def __iter__(self) -> Iterator[Any]:
        first = self._skip_ws()
        if first != "[":
            self.is_list = False
            if first == "":
                raise self._error("Expecting value", self._pos)
            yield self._value()
            if self._skip_ws():
                raise self._error("Extra data", self._pos)
            return
        self.is_list = True
        self._pos += 1
        if self._skip_ws() == "]":
            self._pos += 1
        else:
            while True:
                if self._skip_ws() == "":
                    raise self._error("Expecting value", self._pos)
                yield self._value()
                sep = self._skip_ws()
                self._pos += 1
                if sep == "]":
                    break
                if sep != ",":
                    raise self._error("Expecting ',' delimiter", self._pos - 1)
        if self._skip_ws():
            raise self._error("Extra data", self._pos)


class JsonText(str):
    """The text of one array item, not decoded yet (JsonLines): `json.loads` gives its value."""

    __slots__ = ()


class NotLineShaped(Exception):
    """The file is not laid out as an export writes it: read it with JsonItems instead."""


class JsonLines:
    """The items of a JSON array written one per line, as export writes it ("[", then each
    object on its own line with a comma after all but the last, then "]"), as undecoded text
    (JsonText), so that the decoding can happen elsewhere: far cheaper than finding where an
    item ends. Raises NotLineShaped at the first line of any other layout (or text that is not
    UTF-8); that a line holds exactly one object is for its decoder to find (then the file is
    read again with JsonItems, whose errors name the line and column). `read` counts bytes."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.read = 0

    def __iter__(self) -> Iterator[JsonText]:
        state, held = "start", ""
        while raw := self._fh.readline(LONGEST_LINE + 1):
            self.read += len(raw)
            if len(raw) > LONGEST_LINE:  # not an export's record (and memory stays flat)
                raise NotLineShaped
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise NotLineShaped from None
            line = (text.removeprefix("\ufeff") if state == "start" else text).strip(_WS)
            if state == "start" and line == "[":
                state = "items"
            elif state == "items" and line.startswith("{") and line.endswith(("}", "},")):
                if held:
                    if not held.endswith(","):
                        raise NotLineShaped
                    yield JsonText(held[:-1])
                held = line
            elif state == "items" and line == "]":
                if held.endswith(","):
                    raise NotLineShaped
                if held:
                    yield JsonText(held)
                state = "end"
            elif state != "end" or line:
                raise NotLineShaped
        if state != "end":
            raise NotLineShaped


__all__ = ["JsonItems", "JsonLines", "JsonText", "NotLineShaped"]
