"""The disk cache of model replies: one JSON file per (request, sample index), written atomically; a file
that cannot be read back is a miss, never an error."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile


def reply_key(**request) -> str:
    """A stable hash of everything that decides a reply: model, base URL, messages, sampling parameters,
    salt and sample index."""
    text = json.dumps(request, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReplyCache:
    def __init__(self, folder: str):
        self.folder = folder

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + ".json")

    def get(self, key: str) -> dict | None:
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                entry = json.load(fh)
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            return None
        return entry

    def _mark(self, model: str, base: str | None) -> str:
        return os.path.join(self.folder, "models", reply_key(model=model, api_base=base))

    def knows(self, model: str, base: str | None) -> bool:
        """Whether replies of this model have been cached here before (so a run may be a replay)."""
        return os.path.exists(self._mark(model, base))

    def remember(self, model: str, base: str | None) -> None:
        try:
            os.makedirs(os.path.dirname(self._mark(model, base)), exist_ok=True)
            open(self._mark(model, base), "a").close()
        except OSError:
            pass  # a cache that cannot be written only costs a later run the early import

    def put(self, key: str, entry: dict) -> None:
        """Write ``entry`` so that a reader sees the whole file or none; a cache that cannot be written is
        skipped (the reply was paid for, but the search goes on)."""
        path = self._path(key)
        tmp = None
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".reply-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False)
            os.replace(tmp, path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
