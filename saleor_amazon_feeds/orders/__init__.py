"""Amazon orders into Saleor and shipments back: import jobs and their paging
through Amazon's Orders API (``jobs``, ``paging``, ``batches``), mapping an
Amazon order to Saleor's ``orderBulkCreate`` input (``mapping``, ``taxes``,
``context``), creating and reserving stock through Saleor (``creation``,
``allocation``, ``saleor_fixtures``), Amazon's cancellations
(``cancellation``) and shipment confirmations (``shipments``); ``tasks`` are
the Celery entry points.
"""
