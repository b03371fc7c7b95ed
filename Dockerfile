# NPLV Portal image: used by docker-compose.yml for web (gunicorn), worker and beat.

# --- NL Design System CSS, installed from the npm registry at build time -------------------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Application ---------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango for WeasyPrint, libharfbuzz-subset0 for fast font subsetting (about 5x faster letters),
# fonts, gettext for the translations, curl for health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
      gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY nplvportal ./nplvportal
COPY accounts ./accounts
COPY applications ./applications
COPY allocations ./allocations
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY --from=frontend /build/node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht-components.css
COPY --from=frontend /build/node_modules/@utrecht/component-library-css/dist/html.css static/vendor/utrecht-html.css
COPY --from=frontend /build/node_modules/@rijkshuisstijl-community/design-tokens/dist/index.css static/vendor/rhc-tokens.css
# The letters' font, from fonts-dejavu-core, into the static files (the same as make does).
RUN mkdir -p static/vendor/fonts \
 && cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
       /usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf static/vendor/fonts/

RUN for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check -o "${po%.po}.mo" "$po"; done \
 && SECRET_KEY=build-only DEBUG=false STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 1000 --home-dir /app nplv \
 && mkdir -p /data/private-media /data/secrets \
 && chown -R nplv /data
USER nplv

ENV STATIC_ROOT=/app/staticfiles \
    PRIVATE_MEDIA_ROOT=/data/private-media
EXPOSE 8000
CMD ["gunicorn", "nplvportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
