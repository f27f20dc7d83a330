"""The plugin's own GraphQL API, laid out as Saleor's ``saleor/graphql/``.

``core/`` holds what every domain shares (errors, permissions, IDs,
pagination, the mutation base, request limits); each domain package
(``account``, ``mappings``, ``catalog``, ``orders``, ``sync``) owns its
types, enums, inputs, resolvers and one module per mutation, and contributes
Query and Mutation mixins in its ``schema.py``. ``schema.py`` assembles them;
``views.py`` serves them over HTTP.
"""
