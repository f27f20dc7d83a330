.PHONY: test venv lint format demo serve bench clean

test:
	scripts/run-tests.sh $(PYTEST_ARGS)

venv:
	scripts/bootstrap.sh venv

lint: venv
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: venv
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

demo serve bench:
	@echo "make $@ arrives with a later issue (see README)." && exit 1

clean:
	scripts/bootstrap.sh db-down; scripts/bootstrap.sh redis-down; rm -rf .venv .cache .local
