"""What spans several apps over the API: the customers list, as the customers page shows it
(web.selectors.customers_list), for a CRM to read."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers

from customers.models import Customer
from web.selectors import customers_list, tickets_per_month


class _Month(serializers.Serializer):
    month = serializers.DateField(help_text="Its first day.")
    tickets = serializers.IntegerField(help_text="Tickets the customer opened that month.")


class CustomerRowSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        allow_null=True, help_text="As their latest ticket (or feedback) names them."
    )
    company = serializers.CharField(allow_null=True)
    open_tickets = serializers.IntegerField(help_text="Unresolved, on boards the caller sees.")
    last_contact = serializers.DateTimeField(allow_null=True)
    nps = serializers.IntegerField(allow_null=True, help_text="The latest NPS answer, 0 to 10.")
    csat = serializers.IntegerField(allow_null=True, help_text="The latest CSAT rating, 1 to 5.")
    tickets_per_month = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The customer's page.")

    class Meta:
        model = Customer
        fields = ["id", "email", "name", "company", "open_tickets", "last_contact", "nps",
                  "csat", "tickets_per_month", "url"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(_Month(many=True))
    def get_tickets_per_month(self, customer) -> list[dict]:
        return _Month(self.context["months"][customer.pk], many=True).data

    def get_url(self, customer) -> str:
        return reverse("customers:detail", args=[customer.pk])


class CustomerListView(generics.ListAPIView):
    """The customers of the boards the caller sees, most recent contact first; `q` searches
    names, email addresses and companies. NPS and CSAT only from boards whose feedback the caller
    may read."""

    serializer_class = CustomerRowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Customer.objects.none()
        return customers_list(self.request.user, self.request.query_params.get("q", "")[:200])

    @extend_schema(
        operation_id="customers_list",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name, email or company.")
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_serializer(self, *args, **kwargs):
        page = list(args[0]) if args else []
        months = tickets_per_month(self.request.user, page, timezone.localdate()) if page else {}
        kwargs["context"] = {**self.get_serializer_context(), "months": months}
        return self.serializer_class(*args, **kwargs)
