.PHONY: test venv lint format demo serve bench clean schema

test:
	scripts/run-tests.sh $(PYTEST_ARGS)

venv:
	scripts/bootstrap.sh venv

lint: venv
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: venv
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

demo serve: venv
	.venv/bin/python -m demo.run $@ $(DEMO_ARGS)

bench:
	bench/run.sh $(BENCH_ARGS)

clean:
	scripts/bootstrap.sh db-down; scripts/bootstrap.sh redis-down; rm -rf .venv .cache .local

schema: venv
	DJANGO_SETTINGS_MODULE=tests.settings DATABASE_URL=$${DATABASE_URL:-postgres://localhost/unused} \
		.venv/bin/python -m saleor_amazon_feeds.graphql.print_schema
