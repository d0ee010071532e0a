"""gunicorn reads this file from the working directory (Procfile `web`).

Each worker starts the app once it has loaded it (cli/start.py): it says so when the database is missing,
and syncs the content library (`flask` commands built from the same app do not).

Several gunicorn workers each count their own Prometheus metrics; prometheus-client's multiprocess
mode adds them up at scrape time from files in PROMETHEUS_MULTIPROC_DIR. The folder is set here (unless
the environment names one) before any worker imports the app, and emptied when gunicorn starts.
"""
import os
import shutil
import tempfile

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(tempfile.gettempdir(), f"bot-prometheus-{os.getpid()}")


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    from cli.start import start_up

    start_up(worker.wsgi.extensions["bot"])
