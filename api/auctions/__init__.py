"""Online auctions of lots: English with proxy bids and soft close, or sealed tenders."""
