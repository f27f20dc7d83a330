"""Print the plugin's GraphQL schema into schema.graphql (`make schema`).

Run as `python -m saleor_amazon_feeds.graphql.print_schema` with Django configured.
"""

from pathlib import Path

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")


def printed_schema() -> str:
    # Imported on use: run as a script, this module loads before
    # django.setup(), and the schema's types need the models.
    from .schema import schema

    return str(schema).rstrip() + "\n"


if __name__ == "__main__":
    import django

    django.setup()
    SCHEMA_FILE.write_text(printed_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
