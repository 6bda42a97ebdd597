# szmz-security — developer entry points (GNU make).  开发入口。
# `make` alone prints the help.  直接运行 `make` 显示帮助。

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
# Python 3.11 is required (Django 5.2 LTS; pyproject says >=3.11,<3.12).
ifeq ($(origin PYTHON),undefined)
PYTHON      := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
endif
# Port of the development web server (make run PORT=8080).  开发服务器端口。
PORT        ?= 8000
# Extra arguments for pytest (make test PYTEST_ARGS="-k incidents -x").  传给 pytest 的参数。
PYTEST_ARGS ?=
# Arguments for the benchmarks (make bench BENCH_ARGS=--quick, BENCH_ARGS="--scale 2").  基准测试参数。
BENCH_ARGS ?=
# Arguments for the load test (make bench-load LOAD_ARGS="--users 50 --duration 30").  负载测试参数。
LOAD_ARGS ?=

# System packages the test suite needs: Chromium for Playwright, a TrueType CJK font and
# poppler's pdftoppm for the PDF reports.  测试所需的系统软件包。
SYS_PACKAGES := chromium fonts-wqy-microhei poppler-utils
CHROMIUM     := /usr/bin/chromium
CJK_FONT     := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

.PHONY: help venv run test sysdeps bench bench-load lint clean

help:
	@echo "szmz-security — make targets / 可用命令"
	@echo "  make venv    创建虚拟环境并安装依赖 / create .venv and install the project with dev extras"
	@echo "  make run     迁移、导入演示数据并启动 web+worker+beat / migrate, seed demo data, start web+worker+beat (PORT=$(PORT))"
	@echo "  make test    检查系统依赖并运行 pytest / check system packages, run pytest (PYTEST_ARGS=...)"
	@echo "  make bench   运行基准测试 / run the benchmarks (bench/run.py; BENCH_ARGS=--quick)"
	@echo "  make bench-load  负载测试（需 PostgreSQL）/ the load test: gunicorn + locust, needs BENCH_DATABASE_URL (LOAD_ARGS=...)"
	@echo "  make lint    ruff、bandit 检查并确认无遗漏迁移 / ruff check + bandit + makemigrations --check"
	@echo "  make clean   删除本地开发数据 var/ / delete local dev data in var/"
	@echo "  make help    显示本帮助 / show this help"

# --- virtualenv -------------------------------------------------------------------------------

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "python3.11 not found / 未找到 python3.11" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "Python 3.11 is required, $(PYTHON) is $$($(PYTHON) -V 2>&1) / 需要 Python 3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "$(VENV) is not Python 3.11; remove it and retry / 请删除 $(VENV) 后重试" >&2; exit 1; }
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

# --- run --------------------------------------------------------------------------------------

# Local defaults: SQLite in var/, Celery over kombu's filesystem transport in var/celery/.
# honcho is given /dev/null as its env file so that a docker `.env` (production values) is not
# loaded by accident; variables exported in your shell still apply.
run: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  szmz-security: http://127.0.0.1:$(PORT)/   (Ctrl-C 停止 / to stop)"
	@echo ""
	export PATH="$(CURDIR)/$(VENV)/bin:$$PATH" WEB_PORT="$(PORT)" PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)}"; \
		exec $(VENV)/bin/honcho start -f Procfile.dev -e /dev/null

# --- tests ------------------------------------------------------------------------------------

sysdeps:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	[ -f "$(CJK_FONT)" ] || missing="$$missing fonts-wqy-microhei"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages / 安装系统软件包:$$missing"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(SYS_PACKAGES); \
		else \
			echo "Missing system packages / 缺少系统软件包:$$missing — run:" >&2; \
			echo "sudo apt-get install -y $(SYS_PACKAGES)"; \
			exit 1; \
		fi; \
	fi

test: $(STAMP) sysdeps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# --- other ------------------------------------------------------------------------------------

bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

# Opt-in: it needs PostgreSQL (BENCH_DATABASE_URL, a database whose name contains "bench") and
# takes about five minutes (bench/load/run.py).
bench-load: $(STAMP)
	$(PY) -m bench.load.run $(LOAD_ARGS)

# bandit: medium and high findings fail; its configuration is [tool.bandit] in pyproject.toml.
# Its "nosec encountered, but no failed test" warnings (a statement spanning lines) are noise.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	set -o pipefail; $(VENV)/bin/bandit -c pyproject.toml -r . --severity-level medium --quiet 2>&1 \
		| { grep -v "nosec encountered" || true; }
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var/
