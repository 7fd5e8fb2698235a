"""Imports every domain's models so the metadata (and Alembic) sees all tables."""

from api.auctions.models import Auction, AuctionBid  # noqa: F401
from api.auth.models import LoginCode, RefreshToken, TokenFamily, User  # noqa: F401
from api.beat_runs.models import BeatRun  # noqa: F401
from api.bookings.models import Booking, BookingItem  # noqa: F401
from api.collectors.models import Collector, CollectorSkill, LocationPing, Shift  # noqa: F401
from api.credit.models import CreditConsent  # noqa: F401
from api.custody import ddl as _custody_ddl  # noqa: F401  (append-only triggers)
from api.custody.models import (  # noqa: F401
    ComplianceCase,
    CustodyAlert,
    CustodyChainHead,
    CustodyCheckpoint,
    CustodyEvent,
    Manifest,
    ManifestConfirmation,
    ManifestLine,
    Tag,
)
from api.events.models import Event  # noqa: F401
from api.idempotency import IdempotencyRecord  # noqa: F401
from api.jobs.models import Dispute, Rating, Weighing, WeighingLine  # noqa: F401
from api.leases.models import Lease  # noqa: F401
from api.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payout  # noqa: F401
from api.lots.models import Lot  # noqa: F401
from api.materials.models import Material  # noqa: F401
from api.payouts.models import FakePayoutTransfer  # noqa: F401
from api.plants.models import Plant  # noqa: F401
from api.quotes.models import Quote, QuoteLine  # noqa: F401
from api.residents.models import Address  # noqa: F401
from api.route_plans.models import RoutePlan, RoutePlanRoute  # noqa: F401
from api.slots.models import Slot  # noqa: F401
from api.stations.models import Station, StationDelivery, StationDeliveryLine  # noqa: F401
from api.tariffs.models import Tariff  # noqa: F401
from api.zones.models import Zone  # noqa: F401
