"""Regional public brands (区域公用品牌): geographical indications held by a region, used by authorised cooperatives."""
