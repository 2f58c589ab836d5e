"""Quality checks: the EU metadata-quality score (MQA), DCAT-AP compliance, links, content and freshness."""
