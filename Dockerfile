# Loss Surface Lab, production image: CPU-only torch, a non-root user, a health check, and the
# production start (deploy/serve.py) as its command.
#
# The steps are those of .ci/run (and README's "Run it"): torch==2.13.0 first, here from
# PyTorch's CPU index so that pip never pulls the CUDA build, then the project from its own
# pyproject.toml. No base image can be pulled where this project is developed, so the image
# is not built there; .ci/run runs the same commands in a fresh virtual environment instead.
#
#   docker build -t loss-surface-lab .
#   docker run -p 8501:8501 loss-surface-lab          # then open http://localhost:8501
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501 \
    LSL_ADDRESS=0.0.0.0 \
    LSL_MAX_TRAININGS=1 \
    LSL_TORCH_THREADS=1

RUN useradd --create-home --uid 10001 lab
WORKDIR /app

# 1. torch, pinned, CPU-only (the layer that changes least, and the largest).
RUN python -m pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
# 2. the project and its other dependencies, as declared in pyproject.toml.
COPY pyproject.toml README.md ./
COPY surfaces ./surfaces
COPY lab_components ./lab_components
RUN python -m pip install .
# 3. the app itself.
COPY app.py ./
COPY pages ./pages
COPY deploy ./deploy
COPY .streamlit ./.streamlit

USER lab
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ['PORT'], timeout=4)"
CMD ["python", "deploy/serve.py"]
