"""Reading new mail over IMAP with imapclient (issue 6).

The folder is opened read-only (`BODY.PEEK[]`), so nothing is marked seen or moved:
the user's mail program shows the replies as it always did. Reads are incremental
by UID; a new UIDVALIDITY means the server renumbered the folder, and reading
starts again from its first message.
"""

from __future__ import annotations

import imaplib
from dataclasses import dataclass

from imapclient import IMAPClient

from ringback.domain.errors import RingbackError

TIMEOUT_S = 30.0


class MailboxUnavailable(RingbackError):
    """The IMAP server could not be reached, or refused the login or the folder."""


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int = 993
    user: str = ""
    password: str = ""
    ssl: bool = True
    folder: str = "INBOX"
    timeout_s: float = TIMEOUT_S

    @property
    def mailbox(self) -> str:
        """The name the read position is kept under: user, server and folder."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass(frozen=True)
class NewMail:
    uidvalidity: int
    messages: list[tuple[int, bytes]]  # (UID, raw message), by UID


class ImapMailbox:
    def __init__(self, config: ImapConfig) -> None:
        self.config = config

    @property
    def mailbox(self) -> str:
        return self.config.mailbox

    def fetch_new(self, cursor: tuple[int, int] | None) -> NewMail:
        """Messages after the cursor (UIDVALIDITY, last UID read); all when it is stale.

        MailboxUnavailable when the server cannot be reached or refuses us.
        """
        try:
            return self._fetch_new(cursor)
        except (imaplib.IMAP4.error, OSError) as error:
            raise MailboxUnavailable(f"IMAP {self.config.host}: {error}") from error

    def _fetch_new(self, cursor: tuple[int, int] | None) -> NewMail:
        config = self.config
        with IMAPClient(
            config.host, port=config.port, ssl=config.ssl, timeout=config.timeout_s
        ) as client:
            client.login(config.user, config.password)
            selected = client.select_folder(config.folder, readonly=True)
            uidvalidity = int(selected[b"UIDVALIDITY"])
            after = cursor[1] if cursor is not None and cursor[0] == uidvalidity else 0
            # "n:*" always matches the newest message, even below n: filter again.
            uids = [uid for uid in client.search(["UID", f"{after + 1}:*"]) if uid > after]
            fetched = client.fetch(sorted(uids), ["BODY.PEEK[]"]) if uids else {}
            client.logout()
        messages = [(uid, bytes(fetched[uid][b"BODY[]"])) for uid in sorted(fetched)]
        return NewMail(uidvalidity, messages)
