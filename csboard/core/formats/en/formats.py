"""The formats of csboard.core.formats, for English (the site's language)."""

DATE_FORMAT = "j M Y"  # 7 Oct 2026
DATETIME_FORMAT = "j M Y, H:i"  # 7 Oct 2026, 14:05
MONTH_DAY_FORMAT = "j M"  # 7 Oct: on a card, where the year goes without saying
SHORT_DATETIME_FORMAT = "j M, H:i"  # 7 Oct, 14:05
# What a date field accepts: ISO (what links and the API write) and the format shown. No
# 10/07/2026: which of its numbers is the month depends on who typed it.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y"]
# A moment typed into a text input (a due date): shown as "7 Oct 2026 14:05"; read in that
# format (a comma, a full month name or no time allowed) and, through the forms, ISO 8601.
DATETIME_INPUT_SHOWN = "j M Y H:i"
DATETIME_INPUT_FORMATS = [
    "%d %b %Y %H:%M",
    "%d %b %Y, %H:%M",
    "%d %B %Y %H:%M",
    "%d %B %Y, %H:%M",
    "%d %b %Y",
    "%d %B %Y",
]
