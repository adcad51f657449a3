"""The formats of csboard.core.formats, for English (the site's language)."""

DATE_FORMAT = "j M Y"  # 7 Oct 2026
DATETIME_FORMAT = "j M Y, H:i"  # 7 Oct 2026, 14:05
MONTH_DAY_FORMAT = "j M"  # 7 Oct: on a card, where the year goes without saying
SHORT_DATETIME_FORMAT = "j M, H:i"  # 7 Oct, 14:05
# What a date field accepts: ISO (what links and the API write) and the format shown. No
# 10/07/2026: which of its numbers is the month depends on who typed it.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y"]
