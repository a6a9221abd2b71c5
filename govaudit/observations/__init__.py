"""Observations the notice reports beside the rubric score: over-fine column structures (栏目设置过细), the
「我为政府网站找错」 messages and their 办结率, and the cities' own spot checks. Thresholds: observations.yaml."""
