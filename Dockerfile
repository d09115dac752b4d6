# LendPortal's image: the web (gunicorn), the Celery workers and beat all run from it.
# Not built on the development machines (no Docker daemon there): the steps mirror `make install`
# and .ci/run, and tests/integration/test_deploy_files.py checks every command named here exists.
#   docker build -t lendportal .        then see compose.yaml

# --- build: a virtualenv with the pinned requirements, translations, static files -----------
FROM python:3.12-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# The .mo files as `make install` builds them (Babel, pure Python), then the hashed static files.
# Production settings refuse to start without their secrets: throwaway ones, for this step only.
RUN for po in locale/*/LC_MESSAGES/django.po; do pybabel -q compile -i "$po" -o "${po%.po}.mo"; done \
 && DJANGO_SETTINGS_MODULE=lendportal.settings.production \
    DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgresql://build@localhost/build \
    CELERY_BROKER_URL=redis://localhost:6379/0 \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    LOOKUP_HASH_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
    FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    python manage.py collectstatic --no-input \
 && rm -rf tests .ci

# --- run: the virtualenv and the code, as a user who owns nothing else -----------------------
FROM python:3.12-slim-bookworm
# The CJK font the borrower's PDFs embed (LENDPORTAL_DOCUMENT_FONT, loans/documents, #19).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 lendportal
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=lendportal:lendportal /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=lendportal.settings.production PORT=8000
USER lendportal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-m", "lendportal.healthcheck"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "lendportal.wsgi"]
