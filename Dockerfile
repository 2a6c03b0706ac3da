# brandbot: the Slack app (`brandbot serve`), CPU only. The LLM is a separate vLLM server.
# Build: docker build -t brandbot .    Run: see docker-compose.yml and docs/deploy.md.
# Python dependencies come at the versions in requirements.lock (scripts/lock.sh refreshes it).

FROM python:3.11.13-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --disable-pip-version-check build==1.2.2 \
 && python -m build --wheel --outdir /dist

FROM python:3.11.13-slim-bookworm AS install
ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
COPY deploy/install.sh /deploy/install.sh
COPY requirements.lock /deploy/requirements.lock
COPY --from=build /dist /dist
RUN /deploy/install.sh /opt/brandbot /dist/brandbot-*.whl /deploy/requirements.lock

FROM python:3.11.13-slim-bookworm
LABEL org.opencontainers.image.title="brandbot" \
      org.opencontainers.image.description="Brand-governed drafts with human sign-off, in Slack"
RUN groupadd --system --gid 10001 brandbot \
 && useradd --system --uid 10001 --gid brandbot --home-dir /var/lib/brandbot --create-home brandbot
COPY --from=install /opt/brandbot /opt/brandbot
ENV PATH=/opt/brandbot/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    BRANDBOT_DATA_DIR=/var/lib/brandbot \
    BRANDBOT_INTERNAL_PORT=3001 \
    PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /var/lib/brandbot
# 3000: Slack's requests (/slack/events) and /healthz, for the proxy. 3001 (/healthz, /readyz,
# /metrics) listens on 127.0.0.1 unless BRANDBOT_INTERNAL_HOST says otherwise, and is not exposed.
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:3001/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["brandbot", "serve"]
CMD ["--port", "3000"]
