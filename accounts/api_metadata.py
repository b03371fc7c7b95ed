"""What ``OPTIONS`` answers on the API: the endpoint's name, description and formats, nothing more.

DRF's default also describes the request body of every write the caller may make. To do that it builds
the view's serializer and, for ``PUT``, loads the object itself: that fails on actions without a
serializer class and runs database lookups on whatever the URL holds. The OpenAPI schema at
``/api/v1/schema/`` already describes every body, so ``OPTIONS`` never touches a serializer or a row.
"""

from __future__ import annotations

from rest_framework.metadata import BaseMetadata


class PortalMetadata(BaseMetadata):
    def determine_metadata(self, request, view) -> dict:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": "/api/v1/schema/",
        }
