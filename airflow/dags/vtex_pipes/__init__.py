"""What the vtex-pipes DAGs share: the operator that runs a flow script."""
