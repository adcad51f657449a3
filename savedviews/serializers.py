from rest_framework import serializers

from csboard.core.api import StrictBooleanField, StrictCharField, StrictIdField
from savedviews.models import NAME_MAX, QUERY_MAX, SavedView
from savedviews.selectors import view_url


class SavedViewSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(
        source="board_id", allow_null=True, help_text="The board, or null: a search view."
    )
    owner = serializers.CharField(source="owner.username")
    query = serializers.CharField(help_text="The filter's query string, normalised.")
    url = serializers.SerializerMethodField(help_text="The filtered page: the view's URL.")
    mine = serializers.SerializerMethodField()

    class Meta:
        model = SavedView
        fields = ["id", "name", "board", "owner", "shared", "query", "url", "mine"]
        read_only_fields = fields

    def get_url(self, view) -> str:
        return view_url(view)

    def get_mine(self, view) -> bool:
        return view.owner_id == self.context["request"].user.pk


class SavedViewInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=NAME_MAX)
    board = StrictIdField(
        allow_null=True, required=False, help_text="A board you may see; null: a search view."
    )
    query = StrictCharField(
        max_length=QUERY_MAX * 2,
        allow_blank=True,
        help_text="The query string of the board's filtered page (or the search's): kept "
        "to the filters it takes, normalised.",
    )
    shared = StrictBooleanField(
        required=False, help_text="Shared with everyone on the board: its admins only."
    )
