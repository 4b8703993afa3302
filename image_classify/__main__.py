from image_classify._cli import run_cli

run_cli()
