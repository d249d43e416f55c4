FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
# scripts/build.sh is the whole build (translations, collectstatic): the production smoke in scripts/test.sh
# runs the same script, so the image and CI cannot drift.
RUN pip install --no-cache-dir -e . && PYTHON=python bash scripts/build.sh
RUN useradd --create-home desk && mkdir -p /data/media && chown -R desk /data /app
USER desk
EXPOSE 8000
