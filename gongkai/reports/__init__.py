"""The office's reports: the monthly report of seed 003 and the national annual report
(条例第四十九、五十条; 国办公开办函〔2021〕30号)."""
