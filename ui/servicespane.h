#pragma once

#include <QWidget>

#include "consolecontext.h"
#include "store/records.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class QSplitter;
class QTableView;

namespace Maskline {

class MessageBanner;

// Services: the list, and a form that edits every field of the selected one (or a new one). Save sends only the
// fields the operator changed, and refuses (showing which fields, in a warning colour) when one of them was also
// changed elsewhere since the form was loaded; a second Save then writes the operator's values over those.
class ServicesPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServicesPane)

public:
    explicit ServicesPane(const ConsoleContext &context, QWidget *parent = nullptr);

    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);
    QTableView *view() const { return m_view; }
    QLineEdit *uniqueNameEdit() const { return m_uniqueName; }
    QLineEdit *callbackUrlEdit() const { return m_callbackUrl; }
    QPushButton *saveButton() const { return m_save; }
    QSpinBox *defaultTtlBox() const { return m_defaultTtl; }
    QComboBox *geoMatchCombo() const { return m_geoMatch; }
    // The fields a Save found changed both in the form and in the store since the form was loaded (indices into
    // fieldNames()).
    QList<int> conflictingFields() const { return m_conflicts; }
    MessageBanner *banner() const { return m_banner; }
    QString selectedSid() const;

public Q_SLOTS:
    void newService();
    void saveService();
    void deleteService();
    void selectService(const QString &sid);

private:
    void confirmDelete(const QString &sid, const QString &name, const QString &ends);
    void handleCurrentChanged();
    void loadForm(const Service *service);
    // The form's values (and a stored Service's, in the same order and shape), to tell an unsaved edit from a clean
    // form and to find what changed where.
    QVariantList formSnapshot() const;
    static QVariantList snapshotOf(const Service &service);
    // Only the fields whose value differs from `base`: a Save never writes back what the operator did not touch.
    ServiceParams changedParams(const QVariantList &base) const;
    QList<QWidget *> fieldWidgets() const;
    static QStringList fieldNames();
    // Marks the fields changed both here and elsewhere (warning colour, stored value in the tooltip).
    void showConflicts(const QList<int> &fields, const QVariantList &stored);
    void clearConflicts();
    void followUntouched(const QVariantList &stored);
    void showContextMenu(const QPoint &pos);

    ConsoleContext m_ctx;
    QTableView *m_view = nullptr;
    QSplitter *m_splitter = nullptr;
    QLineEdit *m_uniqueName = nullptr;
    QLineEdit *m_sid = nullptr;
    QSpinBox *m_defaultTtl = nullptr;
    QComboBox *m_geoMatch = nullptr;
    QComboBox *m_numberSelection = nullptr;
    QLineEdit *m_callbackUrl = nullptr;
    QLineEdit *m_interceptUrl = nullptr;
    QLineEdit *m_outOfSessionUrl = nullptr;
    QLineEdit *m_chatInstance = nullptr;
    QCheckBox *m_mxInsertOne = nullptr;
    QCheckBox *m_arInsertNine = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_delete = nullptr;
    MessageBanner *m_banner = nullptr;
    QString m_editingSid; // empty: the form creates a new Service
    QVariantList m_loadedSnapshot;
    QList<int> m_conflicts;
    QVariantList m_knownStored; // the stored values the form last heard of
};

} // namespace Maskline
