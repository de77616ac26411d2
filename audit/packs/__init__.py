"""Rules as data: persona packs (YAML) loaded, validated and cached."""
