.PHONY: test venv lint format demo serve bench clean schema dashboard spapi-models

test:
	scripts/run-tests.sh $(PYTEST_ARGS)

venv:
	scripts/bootstrap.sh venv

# Amazon's public SP-API models into ~/.cache/amazon-spapi (README, Set-up).
spapi-models:
	scripts/bootstrap.sh spapi-models

# Style, formatting, the import contracts of .importlinter (layers, the
# stand-alone sandbox, Saleor's internals only through saleor_compat), mypy on
# the pure packages and makemigrations --check (scripts/lint.sh).
lint:
	scripts/lint.sh

format: venv
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

# The dashboard extension's build, into the package (only when its sources changed).
dashboard:
	python3 scripts/build_dashboard.py

demo serve: venv
	.venv/bin/python scripts/build_dashboard.py --if-possible
	.venv/bin/python -m demo.run $@ $(DEMO_ARGS)

bench:
	bench/run.sh $(BENCH_ARGS)

clean:
	scripts/bootstrap.sh db-down; scripts/bootstrap.sh redis-down; rm -rf .venv .cache .local \
		saleor_amazon_feeds/dashboard/static dashboard-extension/node_modules tests/e2e/node_modules

schema: venv
	DJANGO_SETTINGS_MODULE=tests.settings DATABASE_URL=$${DATABASE_URL:-postgres://localhost/unused} \
		.venv/bin/python -m saleor_amazon_feeds.graphql.print_schema
