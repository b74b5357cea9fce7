"""评后管理: 公示 of passed results with 异议, 评定, 发文 with 证书编号, certificates (PDF with a QR code),
the public 证书查询, 撤销 into the 诚信档案, and the import of historical certificates."""
