from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination


class PageNumberPagination(DRFPageNumberPagination):
    """DRF's page numbers, but a malformed `page_size` or an empty `page` is a 400 rather than
    silently ignored."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_size_query_param: ["Use a whole number from 1."]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        # An empty `page=` is no page number (DRF would read it as page 1).
        if request.query_params.get(self.page_query_param) == "":
            raise ValidationError({self.page_query_param: ["Use a whole number from 1."]})
        return super().get_page_number(request, paginator)

    def page_unread(self, queryset, request, view=None):
        """As paginate_queryset, but the page is returned unread: the queryset sliced to it, for
        a caller to read inside a query of its own (e.g. as a `pk__in` subquery). The count and
        the links of get_paginated_response are the same."""
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise NotFound(message) from exc
        return self.page.object_list
