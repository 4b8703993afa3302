from image_classify.cli import run_cli

run_cli()
