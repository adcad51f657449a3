"""The metrics over the API: typed descriptions of what the selectors return, so that the
OpenAPI schema says what a BI tool or a CRM gets. Read-only; they write nothing."""

from rest_framework import serializers

H = {"allow_null": True, "help_text": "Hours; null without tickets to measure."}


class _Percentiles(serializers.Serializer):
    median = serializers.FloatField(**H)
    p90 = serializers.FloatField(**H)


class _Cycle(_Percentiles):
    n = serializers.IntegerField(help_text="Tickets resolved in the range whose work started.")


class _Sla(serializers.Serializer):
    due = serializers.IntegerField(help_text="Tickets resolved in the range with a due date.")
    met = serializers.IntegerField(help_text="Of those, resolved by their due date.")
    compliance = serializers.FloatField(allow_null=True, help_text="met / due, in %.")


class _Scores(serializers.Serializer):
    nps = serializers.IntegerField(allow_null=True, help_text="% promoters − % detractors.")
    nps_answers = serializers.IntegerField()
    csat = serializers.FloatField(allow_null=True, help_text="The average rating, 1 to 5.")
    csat_satisfied = serializers.IntegerField(allow_null=True, help_text="% rating 4 or 5.")
    csat_answers = serializers.IntegerField()


class _WeekScores(_Scores):
    week = serializers.DateField(help_text="Monday of the week, in the board's time zone.")


class _Figures(serializers.Serializer):
    created = serializers.IntegerField(help_text="Tickets created in the range.")
    resolved = serializers.IntegerField(help_text="Tickets resolved in the range.")
    first_response = _Percentiles(help_text="Of the tickets created in the range.")
    resolution = _Percentiles(help_text="Created to resolved, of the tickets resolved.")
    sla = _Sla()


class _Person(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField()


class _BoardRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    key = serializers.CharField()
    name = serializers.CharField()
    timezone = serializers.CharField()


class _TeamRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class OrgFiguresSerializer(_Figures):
    scores = _Scores(help_text="NPS and CSAT received in the range.")


class OrgBoardRowSerializer(OrgFiguresSerializer):
    board = _BoardRef()


class OrgAgentRowSerializer(serializers.Serializer):
    agent = _Person()
    resolved = serializers.IntegerField(help_text="Assigned tickets resolved in the range.")
    hours_per_ticket = serializers.FloatField(help_text="Created to resolved, on average.")
    boards = serializers.IntegerField(help_text="Boards those tickets are on.")


class OrgMetricsSerializer(serializers.Serializer):
    start = serializers.DateField(source="data.start", help_text="The range's first day.")
    end = serializers.DateField(source="data.end", help_text="The range's last day.")
    agent = _Person(allow_null=True)
    team = _TeamRef(allow_null=True)
    total = OrgFiguresSerializer(source="metrics.total")
    boards = OrgBoardRowSerializer(source="metrics.boards", many=True)
    agents = OrgAgentRowSerializer(source="metrics.agents", many=True)


class _Week(serializers.Serializer):
    week = serializers.DateField()
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class _AgentWeeks(serializers.Serializer):
    agent = _Person()
    resolved = serializers.IntegerField()
    hours_per_ticket = serializers.FloatField()
    per_week = serializers.ListField(
        child=serializers.IntegerField(), help_text="Resolved in each of `weeks`."
    )


class _Agents(serializers.Serializer):
    weeks = serializers.ListField(child=serializers.DateField())
    rows = _AgentWeeks(many=True)


class _FlowColumn(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    is_done = serializers.BooleanField()


class _FlowDay(serializers.Serializer):
    day = serializers.DateField()
    counts = serializers.ListField(
        child=serializers.IntegerField(), help_text="Tickets in each of `columns`, in order."
    )


class _Flow(serializers.Serializer):
    columns = _FlowColumn(many=True)
    rows = _FlowDay(many=True)


class _FirstContact(serializers.Serializer):
    resolved = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="% of the tickets resolved.")


class _Replies(serializers.Serializer):
    total = serializers.IntegerField()
    per_ticket = serializers.FloatField(allow_null=True)


class BoardMetricsSerializer(_Figures):
    """Every figure of the board's dashboard (metrics.selectors.board_metrics)."""

    start = serializers.DateField(source="data.start")
    end = serializers.DateField(source="data.end")
    agent = _Person(source="data.agent", allow_null=True)
    cycle = _Cycle()
    first_contact = _FirstContact()
    replies = _Replies()
    weeks = _Week(many=True)
    agents = _Agents()
    flow = _Flow()
    scores = _WeekScores(many=True)
