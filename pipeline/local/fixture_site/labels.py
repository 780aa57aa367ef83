"""Visible boilerplate strings of article pages, in English and in Russian.

The Russian page would look fake with English share buttons and comment headings, and those
strings are exactly what a boilerplate filter must learn to drop in any language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Labels:
    """The strings of one language, plus how that language writes a date."""

    by: str
    and_: str
    advertisement: str
    share_facebook: str
    share_twitter: str
    share_email: str
    print_: str
    related: str
    most_read: str
    comments: str
    updated: str
    months: tuple[str, ...]
    day_first: bool

    def long_date(self, moment: datetime) -> str:
        """``March 14, 2024`` in English, ``14 марта 2024`` in Russian."""
        month = self.months[moment.month - 1]
        if self.day_first:
            return f"{moment.day} {month} {moment.year}"
        return f"{month} {moment.day}, {moment.year}"

    def byline(self, authors: tuple[str, ...]) -> str:
        """``Jane Doe``, ``Jane Doe and Omar Haddad``, ``A, B and C``: how bylines read."""
        if len(authors) <= 1:
            return "".join(authors)
        return f"{', '.join(authors[:-1])} {self.and_} {authors[-1]}"


ENGLISH = Labels(
    by="By",
    and_="and",
    advertisement="Advertisement",
    share_facebook="Share on Facebook",
    share_twitter="Share on Twitter",
    share_email="Share via Email",
    print_="Print",
    related="Related articles",
    most_read="Most read",
    comments="Comments",
    updated="Updated",
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    day_first=False,
)

RUSSIAN = Labels(
    by="Автор:",
    and_="и",
    advertisement="Реклама",
    share_facebook="Поделиться в Facebook",
    share_twitter="Поделиться в Twitter",
    share_email="Отправить по почте",
    print_="Печать",
    related="Читайте также",
    most_read="Самое читаемое",
    comments="Комментарии",
    updated="Обновлено",
    months=(
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    day_first=True,
)


def labels_for(language: str) -> Labels:
    return RUSSIAN if language == "ru" else ENGLISH
