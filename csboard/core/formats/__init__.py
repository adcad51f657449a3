"""CS Board's date formats, one set for every page, email and export (settings.FORMAT_MODULE_PATH).

Django reads its formats from the language's locale, which for English says "Oct. 7, 2026"
and reads 10/07/2026 as 7 October in one country and 10 July in another. Here is one
unambiguous format, "7 Oct 2026", that templates name (`|date:"DATETIME_FORMAT"`) rather than
spell out."""
