"""Pages that list datasets run a fixed number of queries, however many datasets they show (no N+1)."""

import pytest

from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type

pytestmark = pytest.mark.django_db


def add_datasets(publisher, n):
    for _ in range(n):
        dataset = PublishedDatasetFactory(publisher=publisher, keywords=["a", "b"], themes=["TRAN", "ENVI"])
        DistributionFactory(dataset=dataset)
        DistributionFactory(dataset=dataset, format=file_type("JSON"))


@pytest.mark.parametrize("url", ["/datasets/", "/organizations/rotterdam/", "/", "/sitemap.xml"])
def test_query_count_does_not_grow_with_the_page(
    client_for, member, publisher_org, django_assert_max_num_queries, url
):
    client = client_for(member)  # a signed-in member: visibility subqueries and the menu included

    def warm_up():
        # The search page's facet index is built by its first request and reads new datasets on the
        # next one: a cost per change of the catalogue, not per page.
        if url == "/datasets/":
            client.get(url)

    add_datasets(publisher_org, 5)
    warm_up()
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    few = len(few.captured_queries)  # (read now: a later request resets the query log)

    add_datasets(publisher_org, 20)
    warm_up()
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
