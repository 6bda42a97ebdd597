# syntax=docker/dockerfile:1
# szmz-security production image: gunicorn + whitenoise (static), Celery worker/beat from the same image.
# 生产镜像：web(gunicorn)、worker、beat 共用同一镜像，见 docker-compose.yml。
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# TrueType CJK font for the PDF reports (reportlab embeds it).  PDF 报表所需的中文 TrueType 字体。
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user.  以非 root 用户运行。
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# Dependencies first, for layer caching. pyproject declares no packages ([tool.setuptools]
# packages = []), so `pip install` of it installs only the dependencies; the project's own
# packages are used from the source tree in /app (the working directory, hence on sys.path).
COPY pyproject.toml /tmp/src/
RUN pip install /tmp/src && rm -rf /tmp/src

WORKDIR /app
# Source and collected static files (var/staticfiles) stay root-owned, read-only for the app user;
# var/ itself and var/media (uploaded evidence, a volume in compose) are writable.
COPY . /app

RUN DEBUG=False SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3 \
    && rm -rf /app/var/celery \
    && mkdir -p /app/var/media \
    && chown app:app /app/var /app/var/media

USER app

EXPOSE 8000

CMD ["gunicorn", "szmz_security.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
