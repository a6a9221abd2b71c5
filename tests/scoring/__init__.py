"""Tests of govaudit.scoring (rubrics, checks, verdict, service, rescore, manual findings)."""
